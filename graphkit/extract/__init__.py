"""News-article extractor: article text or file → candidate pairings, donations and secondments.

Public entry points live in `graphkit.extract.pipeline` (`extract_text`, `extract_file`,
`ArticleError`) and `graphkit.extract.evaluate` (`evaluate`, `Report`); the commands are in
`graphkit.cli.extract`.
"""
