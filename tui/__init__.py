"""The Textual app: the caseload an officer lives in. Only ``cli`` (on demand) and tests import it."""

import os

# Textual composes at most 60 frames a second by default, so a result that arrives just after the
# frame that echoed a keystroke waits up to 17 ms for the next one. At 120 the filter's rows reach
# the screen about 15 ms sooner; frames are only composed when something changed. Set before
# Textual is first imported (it reads this once); TEXTUAL_FPS in the environment still wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
