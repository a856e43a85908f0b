# syntax=docker/dockerfile:1
# afc in a container: a static (musl) binary on an empty base, run as an unprivileged user.
#   docker build -t afc .
#   docker run --rm -v "$PWD:/work" afc check flows/
# See docs/install.md ("Container image").

FROM rust:1-alpine AS build
# musl-dev: the C runtime the static binary links; Alpine's package is versioned with the
# image, so it is not pinned here.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p afc \
 && mkdir -p /out/etc \
 && cp target/release/afc /out/afc \
 && echo 'afc:x:10001:10001:afc:/work:/sbin/nologin' >/out/etc/passwd \
 && echo 'afc:x:10001:' >/out/etc/group

FROM scratch
LABEL org.opencontainers.image.title="afc" \
      org.opencontainers.image.description="Attack Flows as code: compile, check, validate and render MITRE Attack Flows" \
      org.opencontainers.image.source="https://github.com/afc-dev/afc" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/etc/passwd /out/etc/group /etc/
COPY --from=build /out/afc /usr/local/bin/afc
COPY LICENSE NOTICE /usr/share/doc/afc/
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/afc"]
CMD ["--help"]
