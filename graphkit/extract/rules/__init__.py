"""The extractor's rule families, one module each; `graphkit.extract.relations` runs them all."""
