"""Outcomes of won clients (3, 6 and 12 months in) and what they say about the answers.

Pure: `stats` (the Wilson interval), `report` (which answers and scores went with good
and poor outcomes), `suggest` (point changes from the report). With the database:
`models`, `store` (recording, the latest per client, what is due), `demo`."""
