"""Documents made from the pure proposal (intake/proposal/): the PDF (WeasyPrint), the
stored copies and their cache (Flask, SQLAlchemy), and the practice's logo (Pillow)."""
