"""Benchmarks of the CMS Family Platform on a generated Family of realistic size (`make bench`)."""
