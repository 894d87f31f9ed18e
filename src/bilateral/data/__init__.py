"""External data: readers for event and structural datasets, the store, and fetching originals."""
