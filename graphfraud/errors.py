"""Every error graphfraud raises on purpose, in one tree, and the exit status each one gives.

    GraphfraudError            anything the tool reports as a one-line message
    ├── ConfigError            settings that cannot work (unknown engine, bad graphfraud.toml)
    ├── InputError             input the user must fix
    │   ├── MissingFileError   a required file (claims) is not in the folder
    │   ├── MappingError       a mapping file that cannot be read or applied
    │   └── EncodingError      a text file in no encoding we can read
    ├── EngineError            a database refused or failed a request
    │   ├── EngineUnavailable  the database cannot be reached or opened
    │   ├── WriteConflict      a write lost a race: another one stored the same key first (look again, retry)
    │   └── BulkImportError    the bulk path cannot run here (database not empty or online, no neo4j-admin) or failed
    ├── OutputError            a file or folder graphfraud writes cannot be written (full disk, no permission)
    ├── DetectionError         detection could not produce rings
    │   └── UnfinishedLoad     the graph holds part of a load that did not finish (killed or failed): load it again
    ├── BundleError            a case bundle could not be written or verified
    ├── AccessError            who may act: signing in and permissions
    │   ├── SignInError        an unknown or disabled user, or a wrong password
    │   │   └── PasswordExpired  a one-time password not changed in time: an admin issues a new one
    │   └── NotPermitted       the user's role, or the four-eyes rule, does not allow the step
    └── JobError               a scheduled job run could not run or finish
        ├── JobBusy            another job run holds the lock
        └── DeliveryError      a webhook did not take an alert after every retry

Every command turns these errors into one line and the exit status of the
error's nearest class in ``EXIT_CODES`` (``exit_code_for``), so the same
error exits the same way from ``detect``, ``load`` or ``job run``:

    2   ConfigError, InputError   the user must fix a setting or the input (like a usage error)
    75  JobBusy                   another run holds the lock: try again later (EX_TEMPFAIL, sysexits.h)
    77  AccessError               not signed in as someone who may do this (EX_NOPERM, sysexits.h)
    1   any other GraphfraudError  the machine, the database or the tool (a scheduled job resumes it)

Statuses that report an outcome rather than an error belong to their command:
``case verify`` 1 altered (or not signed by ``--public-key``), 2 unreadable;
``job run`` 3 done with errors.

Messages name files, rows, columns and reasons, never personal data (names,
phones, ID numbers).
"""


class GraphfraudError(Exception):
    """Base of all errors graphfraud raises on purpose."""


class ConfigError(GraphfraudError):
    """Settings that cannot work."""


class InputError(GraphfraudError):
    """Input the user must fix."""


class MissingFileError(InputError):
    """A required input file is missing."""


class MappingError(InputError):
    """A mapping file that cannot be read or applied."""


class EncodingError(InputError):
    """A text file in no encoding we can read."""


class EngineError(GraphfraudError):
    """A database refused or failed a request."""


class EngineUnavailable(EngineError):
    """The database cannot be reached or opened."""


class WriteConflict(EngineError):
    """A write lost a race: another process stored the same key first (a unique constraint or primary key).

    The message names no key value (it may be a user name or an id); callers that know what raced
    (a case step, a new user) turn it into their own error.
    """


class BulkImportError(EngineError):
    """The bulk import path cannot run (database not empty or not offline, no neo4j-admin) or failed."""


class OutputError(GraphfraudError):
    """A file or folder graphfraud writes cannot be written (a full disk, no permission)."""


class DetectionError(GraphfraudError):
    """Detection could not produce rings."""


class UnfinishedLoad(DetectionError):
    """The graph holds part of a load that did not finish; rings found in it would be wrong."""


class BundleError(GraphfraudError):
    """A case bundle could not be written or verified."""


class JobError(GraphfraudError):
    """A scheduled job run could not run or finish."""


class JobBusy(JobError):
    """Another job run holds the lock."""


class DeliveryError(JobError):
    """A webhook did not take an alert after every retry."""


class AccessError(GraphfraudError):
    """Who may act: signing in, roles, the four-eyes rule."""


class SignInError(AccessError):
    """An unknown or disabled user, or a wrong password (the message never says which, nor shows the password)."""


class PasswordExpired(SignInError):
    """A one-time password (a first admin's, a new user's or a reset) was not changed before it expired."""


class NotPermitted(AccessError):
    """The user's role, or the four-eyes rule, does not allow this step.

    ``code`` and ``params`` say why in a form pages translate (``role``, ``four_eyes``, ``ability``, ``disabled``).
    """

    def __init__(self, message: str, code: str = "", **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


EXIT_CODES: dict[type[GraphfraudError], int] = {
    GraphfraudError: 1,
    ConfigError: 2,
    InputError: 2,
    JobBusy: 75,
    AccessError: 77,
}


def exit_code_for(error: GraphfraudError) -> int:
    """The exit status of ``error``: that of its nearest class in ``EXIT_CODES``."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_CODES[GraphfraudError]
