"""ankideck: compile schema-validated YAML flashcards into Anki decks that update in place."""

__version__ = "0.1.0"
