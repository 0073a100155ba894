"""MLflow adapter for syndata models (log, register, load, alias, list)."""
