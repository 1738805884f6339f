"""An upstream recommendations service stub with a run-time fault API."""
