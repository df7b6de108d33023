"""The questionnaire editor's storage: the draft of the next version and the published
versions (models.py), and the service that saves, imports and publishes (store.py)."""
