"""CoNLL/BIO: token per line (or spaCy's word|POS|tag per sentence), tags in IOB1, IOB2 or
IOBES on import, IOB2 or IOBES on export."""

from ontolabel.formats.conll.format import ConllFormat
from ontolabel.formats.conll.options import ConllOptions

__all__ = ["ConllFormat", "ConllOptions"]
