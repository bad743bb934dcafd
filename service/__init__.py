"""Application workflows shared by the front ends (cli.py and the HTTP service): each opens the
store and the models of a data directory, calls the library and returns data."""
