"""sib_nlp: Dutch reflection and evaluation texts of *Samen in Beleid* turned into evidence of mindset change."""

__version__ = "0.1.0"
