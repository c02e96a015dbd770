"""ontolabel: ontology-driven data labeling for text, image, audio, video and 3D sensor data."""

__version__ = "0.1.0"
