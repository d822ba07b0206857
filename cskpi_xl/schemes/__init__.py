"""Built-in schemes as data files (one TOML file per appraisal system)."""
