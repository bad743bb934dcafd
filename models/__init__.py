"""Models over batches of records: the tier classifier (issue 3) and the audit (issue 5)."""
