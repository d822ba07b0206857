"""Files and folders: safe names (:mod:`.names`), atomic writes (:mod:`.atomic`), the folder lock
(:mod:`.lock`) and OS errors in Chinese (:mod:`.oserrors`). Pure standard library."""
