"""The questionnaire as data: definition, answer checking and scoring. No Flask here."""
