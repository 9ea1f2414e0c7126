"""The bare floor that bench/pages.py measures the registry against: Flask and Jinja serving,
from memory, pages of the same shape as the registry's (the same tables with the same cell
texts, captured from the real pages), in the same layout and stylesheet link. No database,
no session, no logic: what any Flask page of that size costs at least.
Serve it with: FLOOR_SHAPES=shapes.json gunicorn -w 2 bench.floor:app"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask, abort, render_template_string

PAGE = """<!doctype html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ page.title }}</title>
  <link rel="stylesheet" href="/static/css/app.css">
</head>
<body>
<header class="site-header"><div class="bar"><a class="brand" href="/">Sambruk</a></div>
<nav class="main-nav"><ul>{% for item in nav %}
<li><a href="/{{ item }}">{{ item }}</a></li>{% endfor %}</ul></nav>
</header>
<main id="main">
<h1>{{ page.title }}</h1>
{% for table in page.tables %}
<table class="data">
  <tbody>
  {% for row in table %}
  <tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% endfor %}
{% for text in page.texts %}<p>{{ text }}</p>{% endfor %}
</main>
</body>
</html>"""

app = Flask(__name__)
SHAPES: dict[str, Any] = json.loads(Path(os.environ.get("FLOOR_SHAPES", "shapes.json"))
                                    .read_text(encoding="utf-8"))
NAV = ["start", "municipalities", "tools", "councils", "costs"]


@app.route("/floor/<name>")
def page(name: str) -> str:
    found = SHAPES.get(name)
    if found is None:
        abort(404)
    return render_template_string(PAGE, page=found, nav=NAV)
