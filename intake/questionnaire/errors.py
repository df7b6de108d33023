"""Exceptions raised by the pure questionnaire code; they carry data, never HTML."""


class IntakeError(Exception):
    """Base of every domain error."""


class DefinitionError(IntakeError):
    """A questionnaire file that cannot be used, with where and why."""

    def __init__(self, source: str, where: str, problem: str):
        self.source = source
        self.where = where
        self.problem = problem
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {problem}")


class InvalidAnswer(IntakeError):
    """One answer that does not fit its question; `message` is for the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class InvalidAnswers(IntakeError):
    """A set of answers with problems: question id -> message (unknown ids included)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))
