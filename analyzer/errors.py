"""Exception hierarchy: every error the library raises on purpose derives from AnalyzerError."""


class AnalyzerError(Exception):
    """Base class of the analyzer's own errors."""


class ExtractionError(AnalyzerError):
    """A document could not be read (corrupt, encrypted, unsupported, over a limit)."""

    def __init__(self, message: str, status: str = "parse_error") -> None:
        super().__init__(message)
        self.status = status


class PatternFileError(AnalyzerError):
    """A rule or taxonomy file is missing or invalid; the message names file, rule and field."""


class GoldFileError(AnalyzerError):
    """A gold annotation file is invalid."""


class BatchError(AnalyzerError):
    """The batch itself cannot run (for example: the workers cannot start)."""
