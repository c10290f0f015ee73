package dev.redrive.audit.web;

/**
 * The index page's only script, inline and allowed by its SHA-256 hash in the Content-Security-
 * Policy ({@link PagePolicy}): it follows the index stream named in the table's {@code data-stream}
 * (same origin, so the session cookie goes with it) and applies each changed row. On the first page
 * a matching row is put at its place in the order (newest last event first) and the page keeps its
 * size; on a later page rows change in place. A row that no longer matches the filters is taken
 * off. Every value goes into the page as text ({@code textContent}), never as markup. It is a
 * constant: nothing of a request is ever part of it.
 */
final class IndexScript {

  static final String SCRIPT =
      """
      (function () {
        'use strict';
        var table = document.getElementById('executions');
        var live = document.getElementById('live');
        if (!table || !window.EventSource) { return; }
        var body = table.tBodies[0];
        var first = table.dataset.live === 'first';
        var limit = parseInt(table.dataset.limit, 10);
        var updates = 0;
        function el(tag, value, cls) {
          var e = document.createElement(tag);
          if (cls) { e.className = cls; }
          if (value !== null && value !== undefined) { e.textContent = String(value); }
          return e;
        }
        function link(id, cls) {
          var a = el('a', id, cls);
          a.href = '/executions/' + encodeURIComponent(id);
          return a;
        }
        function cell(tr, child, cls) {
          var td = el('td', null, cls);
          if (child) { td.appendChild(child); }
          tr.appendChild(td);
          return td;
        }
        function links(td, s) {
          if (s.originalExecutionId) {
            td.appendChild(document.createTextNode('resubmission of '));
            td.appendChild(link(s.originalExecutionId, 'original'));
          }
          if (s.resubmissions.length > 0) {
            if (s.originalExecutionId) { td.appendChild(document.createTextNode('; ')); }
            td.appendChild(document.createTextNode('resubmitted as '));
            s.resubmissions.forEach(function (id, i) {
              if (i > 0) { td.appendChild(document.createTextNode(', ')); }
              td.appendChild(link(id, 'resubmission'));
            });
            if (s.resubmissionCount > s.resubmissions.length) {
              td.appendChild(document.createTextNode(' (' + s.resubmissionCount + ' in all)'));
            }
          }
        }
        function render(s) {
          var tr = el('tr', null, 'execution');
          tr.dataset.executionId = s.executionId;
          tr.dataset.last = String(s.lastEventMicros);
          tr.dataset.change = String(s.change);
          cell(tr, link(s.executionId));
          cell(tr, el('span', s.pipeline === null ? '(not named)' : s.pipeline));
          cell(tr, el('span', s.status, 'status status-' + s.status));
          cell(tr, el('span', s.phase));
          cell(tr, s.lastFailureType ? el('span', s.lastFailureType, 'failure-type') : null);
          var when = cell(tr, el('time', s.lastEventAt));
          when.firstChild.setAttribute('datetime', s.lastEventAt);
          when.appendChild(el('span', s.lastEventType, 'muted'));
          cell(tr, el('span', s.attempts));
          links(cell(tr, null, 'links'), s);
          return tr;
        }
        function find(id) {
          for (var i = 0; i < body.rows.length; i++) {
            if (body.rows[i].dataset.executionId === id) { return body.rows[i]; }
          }
          return null;
        }
        function before(a, b) {
          var at = Number(a.dataset.last), bt = Number(b.dataset.last);
          return at !== bt ? at > bt : a.dataset.executionId > b.dataset.executionId;
        }
        function apply(s) {
          var old = find(s.executionId);
          if (old && Number(old.dataset.change) >= s.change) { return; }
          if (!s.matches) { if (old) { old.remove(); } return; }
          if (!old && !first) { return; }
          var row = render(s);
          if (!first) { old.replaceWith(row); return; }
          if (old) { old.remove(); }
          var next = null;
          for (var i = 0; i < body.rows.length && next === null; i++) {
            if (before(row, body.rows[i])) { next = body.rows[i]; }
          }
          if (next === null && body.rows.length >= limit) { return; }
          body.insertBefore(row, next);
          while (body.rows.length > limit) { body.deleteRow(body.rows.length - 1); }
        }
        var source = new EventSource(table.dataset.stream);
        source.addEventListener('execution', function (message) {
          apply(JSON.parse(message.data));
          updates++;
          table.dataset.updates = String(updates);
          document.getElementById('empty').hidden = body.rows.length > 0;
        });
        source.onopen = function () {
          live.textContent = 'Live: rows update as events arrive.';
          table.dataset.connected = 'true';
        };
        source.onerror = function () { live.textContent = 'Live updates: reconnecting...'; };
      })();
      """;

  private IndexScript() {}
}
