"""FastAPI job service for syndata: ``create_app()`` in ``app_api.main``."""
