"""Streamlit UI for syndata; talks to the REST API."""
