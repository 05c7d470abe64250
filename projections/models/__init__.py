"""One module per read model: its tables and the handler that folds events into them."""
