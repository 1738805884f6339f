"""An upstream weather service stub with a run-time fault API."""
