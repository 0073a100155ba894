"""FastAPI job service for syndata."""
