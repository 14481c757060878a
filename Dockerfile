# Build: docker build -t undersigned .
# Run on PostgreSQL:
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… \
#     -e UNDERSIGNED__SECURITY__SECRET_KEY=… -e UNDERSIGNED__SERVER__PUBLIC_URL=https://… undersigned
# Run on SQLite, kept in a volume:
#   docker run -p 8080:8080 -v undersigned-data:/app/data -e UNDERSIGNED__SECURITY__SECRET_KEY=… undersigned

FROM rust:1-bookworm AS build
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
COPY config config
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app --uid 10001 undersigned
WORKDIR /app
COPY --from=build /src/target/release/undersigned /usr/local/bin/undersigned
COPY config config
RUN mkdir -p data && chown undersigned:undersigned data && chmod 700 data
USER undersigned
ENV UNDERSIGNED_ENV=production
EXPOSE 8080
VOLUME ["/app/data"]
STOPSIGNAL SIGTERM
CMD ["undersigned", "serve"]
