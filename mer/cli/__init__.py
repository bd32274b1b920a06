"""The command-line tools (mer-simulate, mer-fit, mer-ablate, mer-validate, mer-report, mer-collect).

equinox reads EQX_ON_ERROR once, when it is first imported, and the commands' imports (the typed
parameters are equinox Modules) import it before a command starts. So the default is set here,
first: with EQX_ON_ERROR=nan a failed runtime check gives NaN instead of a host callback, and only
a solve without host callbacks can be kept (mer/programs.py, mer/runtime.py). Set EQX_ON_ERROR=raise
yourself to debug with exceptions (and no kept programs).
"""

import os

os.environ.setdefault("EQX_ON_ERROR", "nan")
