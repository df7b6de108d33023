"""The ceiling: a bare Flask app served by the same gunicorn settings as intake.

`gunicorn -c gunicorn.conf.py --pythonpath bench hello:app`
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
