# Build: docker build -t undersigned .
# Run: see "Running in a container" in README.md. In short:
#   docker run -p 8080:8080 -v undersigned-data:/app/data \
#     -e UNDERSIGNED__SECURITY__SECRET_KEY=… \
#     -e UNDERSIGNED__LOG__SIGNING_KEY=… \
#     -e UNDERSIGNED__SERVER__PUBLIC_URL=https://petitions.example.org \
#     -e UNDERSIGNED__EMAIL__TRANSPORT=smtp \
#     -e UNDERSIGNED__EMAIL__SMTP_URL=smtp://relay.example.org:587?tls=required \
#     undersigned
# Other commands run the same way: docker run … undersigned migrate

# Pinned, so a rebuild gets the same toolchain and base system.
FROM rust:1.95.0-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
# Dependencies first, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked && rm -rf src
COPY src src
COPY migrations migrations
COPY templates templates
COPY static static
COPY locales locales
COPY config config
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:12.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 undersigned \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app undersigned
WORKDIR /app
COPY --from=build /src/target/release/undersigned /usr/local/bin/undersigned
COPY config config
# Only data/ is writable: it holds the SQLite file, the mail outbox and,
# on SQLite without a configured secret, the generated key. A volume
# mounted there must be writable by uid 10001.
RUN mkdir -p data && chown 10001:10001 data && chmod 700 data
# Numeric, so Kubernetes' runAsNonRoot can check it.
USER 10001:10001
ENV UNDERSIGNED_ENV=production
EXPOSE 8080
VOLUME ["/app/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["undersigned", "healthcheck"]
ENTRYPOINT ["undersigned"]
CMD ["serve"]
