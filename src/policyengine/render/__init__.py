"""Renderers: results -> text, JSON, CSV, Markdown or HTML. They format; they never compute."""
