"""Excel-side library code: the UDFs' error boundary (:mod:`.boundary`) and argument coercion (:mod:`.coerce`),
the VBA we generate (:mod:`.vba`) and the macro-enabled workbook (:mod:`.xlsm`)."""
