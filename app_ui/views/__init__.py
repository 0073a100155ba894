"""The pages of the UI, one module each (each has ``render(api)``)."""
