"""Pure domain model: ontology, annotation, geometry per modality, matching. No I/O."""
