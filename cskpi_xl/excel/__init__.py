"""Excel-side library code: the VBA we generate (:mod:`.vba`) and the macro-enabled workbook (:mod:`.xlsm`)."""
