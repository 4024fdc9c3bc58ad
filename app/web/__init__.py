"""Server-rendered pages (Jinja2 + htmx) and the HTML that live events carry."""
