-- The X-Forwarded-* lines that HAProxy's HTTP mode would add, for the hixie-75/76 handshakes
-- that haproxy.cfg carries in TCP mode (HTTP mode refuses them; see there).
--
-- Runs as a `tcp-request content` action once the whole request head is in the buffer (the
-- frontend waits for that with the HTTP acl). It inserts three header lines just before the
-- blank line that ends the head, so a draft-76 key3 after it stays where it is. The lines go
-- after whatever the client sent: the server, with TRUST_PROXY, reads the right-most value of
-- each header, so a client that sends its own X-Forwarded-* cannot choose what is believed.
--
-- Argument: the scheme the client used, `https` on the TLS bind and `http` on the plain one.
core.register_action("draftbridge_forwarded", { "tcp-req" }, function(txn, scheme)
  local head = txn.req:data(0)
  local blank = head:find("\r\n\r\n", 1, true)
  if blank == nil then return end
  local host = head:sub(1, blank + 1):match("\r\n[Hh][Oo][Ss][Tt][ \t]*:[ \t]*([^\r]*)\r\n") or ""
  txn.req:insert(
    "X-Forwarded-For: " .. txn.f:src() .. "\r\n" ..
    "X-Forwarded-Proto: " .. scheme .. "\r\n" ..
    "X-Forwarded-Host: " .. host .. "\r\n",
    blank + 1)
end, 1)
