"""Labour Migration Policy Monitor: configuration and the `lmm` command line."""
