"""Measuring retrieval: metrics, evaluation sets, and the product's own pipeline run on them (`assistant eval`)."""
