# syntax=docker/dockerfile:1
#
# The APNs simulator as a container, for a backend's tests and CI service
# containers: the static apns-console-cli (no cgo, no display) on
# distroless, about 12 MB. Build and run:
#
#   docker build -t apns-console-sim .
#   docker run --rm -p 127.0.0.1:2197:2197 -p 127.0.0.1:2198:2198 \
#       -e APNS_SIM_API_TOKEN=secret -v apns-sim:/data apns-console-sim
#
# Ports: 2197 the APNs provider API (HTTP/2, TLS; trust /data/ca.pem),
# 2198 the control API and the web inbox (HTTP; open /?token=secret).
# The control API listens beyond the container's loopback, so it needs a
# token: without APNS_SIM_API_TOKEN serve refuses to start and says so.
# /data holds the CA and the demo credentials (ca.pem, demo-cert.pem,
# demo-key.pem, demo.p12, demo-legacy.p12, AuthKey_ABC123DEFG.p8): share
# the volume with the backend's container to trust the CA. Ready when
# /readyz answers 200 (the HEALTHCHECK below asks it with `health`, as the
# image has no curl).

ARG GO_IMAGE=golang:1.27
FROM ${GO_IMAGE} AS build
ENV CGO_ENABLED=0 GOTOOLCHAIN=go1.27.3 GOFLAGS=-trimpath
ARG VERSION=dev
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w -X main.version=${VERSION}" -o /out/apns-console-cli ./cmd/apns-console-cli \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/apns-console-cli /apns-console-cli
# An empty /data owned by the image's user: a named volume mounted there
# starts as this directory, writable by serve.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
EXPOSE 2197 2198
USER 65532:65532
ENTRYPOINT ["/apns-console-cli"]
CMD ["serve", "--addr", "0.0.0.0:2197", "--api", "0.0.0.0:2198", "--dir", "/data"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
    CMD ["/apns-console-cli", "health", "-q", "--addr", "127.0.0.1:2198"]
