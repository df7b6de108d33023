"""The proposal: a package recommendation (pure) and its PDF (WeasyPrint)."""
