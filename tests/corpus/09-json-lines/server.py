import json
import socket

students = {
    '1001': {'name': '张三', 'age': 20, 'scores': [90, 85.5, 77]},
    '1002': {'name': 'Alice', 'age': 22, 'scores': []},
}
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24009))
srv.listen(1)
conn, _ = srv.accept()
reader = conn.makefile('r', encoding='utf-8')
for line in reader:
    request = json.loads(line)
    print('request:', request)
    sid = request.get('id')
    if sid in students:
        reply = {'ok': True, 'student': students[sid]}
    else:
        reply = {'ok': False, 'error': f'no student {sid}', 'known': list(students)}
    conn.sendall((json.dumps(reply, ensure_ascii=False) + '\n').encode('utf-8'))
reader.close()
conn.close()
srv.close()
