"""Importers: read annotated corpora in other formats and write gold folders in ours."""
