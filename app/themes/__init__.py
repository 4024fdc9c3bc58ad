"""Theme suggestions: notes that belong together and notes that say the same thing,
computed on the server itself (nothing is sent anywhere), in Finnish, Swedish and English.

`service.suggest` is the one entry point; engines (lexical, embedding) sit behind the
small interface in `engine.py`, chosen by PAJA_THEME_ENGINE."""
