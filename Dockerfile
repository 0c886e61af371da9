# The tapfix GitHub Action. GitHub's rules for action images: no USER (the workspace is written as
# root), no WORKDIR (the runner mounts the workspace and makes it the working directory), and an
# absolute exec-form ENTRYPOINT. Inputs arrive as INPUT_* variables, so no arguments are needed.

# Build stage: install tapfix the way the README does (`pip install .`), into a prefix to copy.
FROM python:3.11-slim AS build
COPY . /src
RUN python -m pip install --no-cache-dir --prefix=/install /src

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /install /usr/local
# python-hcl2 caches its compiled grammar next to its code on first use: build it now, so every run
# starts with it and a read-only layer never has to write it.
RUN python -c "import hcl2.parser; hcl2.parser.parser()" \
    && python -c "import hcl2.parser, pathlib; assert pathlib.Path(hcl2.parser.PARSER_FILE).is_file()"
ENTRYPOINT ["/usr/local/bin/python", "-m", "bot.action_main"]
