"""jixiao core: records, normalisation, parsing and (from issue 3) tokenisation. No I/O beyond reading input files."""
