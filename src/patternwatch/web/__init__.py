"""Server-rendered web pages: dependencies, templating, forms."""
