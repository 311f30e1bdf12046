"""Every error graphfraud raises on purpose, in one tree.

    GraphfraudError            anything the tool reports as a one-line message
    ├── ConfigError            settings that cannot work (unknown engine, bad graphfraud.toml)
    ├── InputError             input the user must fix; the CLI exits with status 2
    │   ├── MissingFileError   a required file (claims) is not in the folder
    │   ├── MappingError       a mapping file that cannot be read or applied
    │   └── EncodingError      a text file in no encoding we can read
    ├── EngineError            a database refused or failed a request
    │   ├── EngineUnavailable  the database cannot be reached or opened
    │   └── BulkImportError    the bulk path cannot run here (database not empty or online, no neo4j-admin) or failed
    ├── OutputError            a file or folder graphfraud writes cannot be written (full disk, no permission)
    ├── DetectionError         detection could not produce rings
    ├── BundleError            a case bundle could not be written or verified
    └── JobError               a scheduled job run could not run or finish
        ├── JobBusy            another job run holds the lock (the CLI exits with status 75)
        └── DeliveryError      a webhook did not take an alert after every retry

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


class BulkImportError(EngineError):
    """The bulk import path cannot run (database not empty or not offline, no neo4j-admin) or failed."""


class OutputError(GraphfraudError):
    """A file or folder graphfraud writes cannot be written (a full disk, no permission)."""


class DetectionError(GraphfraudError):
    """Detection could not produce rings."""


class BundleError(GraphfraudError):
    """A case bundle could not be written or verified."""


class JobError(GraphfraudError):
    """A scheduled job run could not run or finish."""


class JobBusy(JobError):
    """Another job run holds the lock."""


class DeliveryError(JobError):
    """A webhook did not take an alert after every retry."""
