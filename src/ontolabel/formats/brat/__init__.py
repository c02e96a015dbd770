"""brat standoff for text items: spans, relations, equivalences, events, attributes, notes
and normalizations; annotation.conf to and from an ontology."""

from ontolabel.formats.brat.conf import conf_from_ontology, ontology_from_conf
from ontolabel.formats.brat.format import BratFormat, BratOptions

__all__ = ["BratFormat", "BratOptions", "conf_from_ontology", "ontology_from_conf"]
