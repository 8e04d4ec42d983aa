# The chat image: the compiled binary on a small base, run as a non-root user, data in a volume.
# Build the binary first (npm run build, or copy dist/release/chat-linux-x64 to dist/chat), then:
#   docker build -t chat .        docker run -p 12345:12345 -p 8080:8080 -v chat-data:/data chat
# debian-slim rather than distroless: the same glibc the binary is built for, and a shell for an
# operator's `docker exec`. There is no curl in it: the health check is chat's own subcommand.
FROM debian:12-slim

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin chat \
 && mkdir -p /data && chown chat:chat /data
# No --chmod: the legacy builder (docker-compose 1.x, BuildKit off) refuses it; bun build made it executable.
COPY dist/chat /usr/local/bin/chat

USER chat
WORKDIR /data
# The embedded database, admin token, secrets and logs; a DATABASE_URL moves the messages out.
VOLUME ["/data"]
# telnet, HTTP, and the TLS ones when the config has a tls block
EXPOSE 12345 8080 12346 8443

HEALTHCHECK --interval=15s --timeout=6s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/chat", "healthcheck", "--data-dir", "/data"]
ENTRYPOINT ["/usr/local/bin/chat"]
CMD ["serve", "--data-dir", "/data"]
