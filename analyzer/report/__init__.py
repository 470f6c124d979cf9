"""Report rendering (HTML per document, batch index)."""
