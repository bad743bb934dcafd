"""Readers: each turns one input form into a :class:`~nlp.table.Sheet` of the table model."""
